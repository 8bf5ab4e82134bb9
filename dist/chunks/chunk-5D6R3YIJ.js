import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{s as e,t as r}from"./chunk-I6P4MJAF.js";var a="isPost",o="saved";function i(){return r(a)==="true"}function s(){e(a,"true")}function S(t){e(o,JSON.stringify(t))}function d(){let t=r(o);return t===""?void 0:JSON.parse(t)}export{i as a,s as b,S as c,d};
