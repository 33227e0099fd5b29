/** New plan strings, merged into the catalogue of i18n.ts. */
export const planMessages = {} as const;
