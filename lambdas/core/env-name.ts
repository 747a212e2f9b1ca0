/**
 * What an environment variable's name may be: a partner's settings name the variables holding its
 * secrets (core/isp-http.ts), and the functions read only listed ones (adapters/env.ts). Its own
 * module so that env.ts, which every function loads, does not load the settings' schemas.
 */
export const ENV_VARIABLE_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
