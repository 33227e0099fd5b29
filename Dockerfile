# Accord API image. Production runs against MONGODB_URI (MongoDB 7+ replica set, or FerretDB
# on PostgreSQL); the embedded FerretDB of `npm start` is not part of the image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
# The API and the web client (apps/web → dist/web, served at /), then runtime packages only.
RUN npm run build && npm prune --omit=dev
# Exports embed only the regular and bold Noto faces: the other weights and previews are ~100 MB.
RUN find node_modules/@expo-google-fonts -type f \( -name '*.png' -o \( -name '*.ttf' \
      ! -name '*_400Regular.ttf' ! -name '*_700Bold.ttf' \) \) -delete

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY data/recommendations ./data/recommendations
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
