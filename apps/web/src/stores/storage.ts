/** localStorage that tolerates private mode, quotas and corrupt values. */
export const readStored = <T>(
  key: string,
  isValid: (value: unknown) => value is T,
): T | undefined => {
  try {
    const raw = window.localStorage.getItem(key);
    if (raw === null) return undefined;
    const value: unknown = JSON.parse(raw);
    return isValid(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

export const writeStored = (key: string, value: unknown): void => {
  try {
    if (value === undefined) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the app keeps working, only persistence is lost.
    return;
  }
};
