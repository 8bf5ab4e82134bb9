import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
function o(t){return/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(t)}var n=/^multi-platform-build-[0-9a-f]{12}$/;function e(t){let r=`multi-platform-build-${t}`;if(!n.test(r))throw new Error(`not a work dir name: ${r}`);return r}function i(t){return n.test(t)}export{o as a,e as b,i as c};
