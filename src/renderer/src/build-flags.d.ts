/** True only in the build the end-to-end tests make (electron.vite.config.mts): test hooks such as window.__ridgeCanvas. */
declare const __RIDGE_TEST_HOOKS__: boolean;
