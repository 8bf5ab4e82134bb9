import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as e,d as a}from"./chunk-N7WIAJ2W.js";import{u as o,v as r}from"./chunk-ZTZCNJLT.js";function s(){o(e.isPost,"true")}function u(t){o(e.saved,JSON.stringify(t))}function v(){let t=r(e.saved);return t===""?void 0:a(t)}export{s as a,u as b,v as c};
