import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{r as e,s as r}from"./chunk-6UPPCIEP.js";var a="isPost",o="saved";function i(){return r(a)==="true"}function s(){e(a,"true")}function S(t){e(o,JSON.stringify(t))}function d(){let t=r(o);return t===""?void 0:JSON.parse(t)}export{i as a,s as b,S as c,d};
