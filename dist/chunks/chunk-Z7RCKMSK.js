import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
function t(r,e=!1){return e?["buildx","rm","--keep-state","--",r]:["buildx","rm","--",r]}export{t as a};
