export const label = (text: string): string => `job rows: ${text}`;
