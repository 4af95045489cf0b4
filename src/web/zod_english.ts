/**
 * What the browser bundle has in place of zod's index of locales: English only. zod's `z` namespace
 * re-exports every locale (about 200 KiB minified), and the compiler's messages never use zod's.
 * @module
 */
export { default as en } from "zod/v4/locales/en.js";
