import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{l as w}from"./chunk-CN7L3QVC.js";import{a as h}from"./chunk-VM2RTR2E.js";import"./chunk-SIZKI6H3.js";import{c}from"./chunk-64QNAA4T.js";import"./chunk-HRATCO2U.js";import{b as v}from"./chunk-FI37PBZI.js";import{a as t}from"./chunk-ADZC4DR3.js";import"./chunk-AA4YLTAM.js";import"./chunk-WATM2FUJ.js";import"./chunk-XY7QUVLB.js";var e=`Write a YAML list, e.g.
- name: arm64
  endpoint: ssh://runner@arm-host
  platforms: linux/arm64
  driver-opts:
    - memory=4g`;function N(s){return s.trim()===""?[]:v("append",s,s.split(`
`)[0],"nodes",e).map((o,f)=>{if(typeof o!="object"||o===null)throw new t("append",String(o),`node ${f+1} is not a mapping`,e);let a=o,p=n=>a[n]===void 0?"":String(a[n]).trim(),l=n=>{let i=a[n];return i===void 0?[]:(Array.isArray(i)?i.map(String):String(i).split(",")).map(m=>m.trim()).filter(m=>m!=="")},r=p("name");if(!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(r))throw new t("append",r,`node ${f+1} needs a name of letters, digits, ".", "_" or "-"`,e);let d=p("endpoint");if(d==="")throw new t("append",r,`node ${r} has no endpoint`,e);c("append",d,`Give node ${r} a Docker context name or a unix://, tcp:// or ssh:// address.`);let g=l("platforms"),u=g.find(n=>!h(n));if(u)throw new t("append",u,`node ${r} has a platform not of the form os/arch[/variant]`,e);return{name:r,endpoint:d,platforms:g,driverOpts:l("driver-opts").map(n=>w(n,"append")),buildkitdFlags:p("buildkitd-flags")}})}export{N as parseAppendNodes};
