/** Names shared by the app and its routes (kept apart to avoid an import cycle). */
export const API_PREFIX = '/api/v1';
export const SESSION_COOKIE = 'lotline_session';
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Longest path parameter (a REF in /lots/{ref}), in characters as sent (percent-encoded). */
export const MAX_PATH_PARAM_CHARS = 4096;
