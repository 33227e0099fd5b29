import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { direction, language } from './i18n';
import { SessionProvider } from './session';
import './styles.css';

document.documentElement.lang = language;
document.documentElement.dir = direction;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);
