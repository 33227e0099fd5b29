/** Room strings being added; merged into the catalogue of i18n.ts. */
export const roomExtraMessages = {} as const;
