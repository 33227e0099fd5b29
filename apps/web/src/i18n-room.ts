/** New room strings, merged into the catalogue of i18n.ts. */
export const roomMessages = {} as const;
