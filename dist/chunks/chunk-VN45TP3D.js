import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as e,d as o}from"./chunk-N7WIAJ2W.js";import{u as a,v as r}from"./chunk-TDHEHMBF.js";function i(){a(e.isPost,"true")}function s(t){a(e.saved,JSON.stringify(t))}function v(){let t=r(e.saved);return t===""?void 0:o(t)}export{i as a,s as b,v as c};
