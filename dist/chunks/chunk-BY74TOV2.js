import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
function t(e,r=!1){return r?["buildx","rm","--keep-state","--",e]:["buildx","rm","--",e]}export{t as a};
