import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{e as h,m as w}from"./chunk-TZR4RMCH.js";import{a as c}from"./chunk-YGGA3J3O.js";import"./chunk-SIZKI6H3.js";import"./chunk-XCPFMDRQ.js";import"./chunk-HRATCO2U.js";import{b as v}from"./chunk-EBLASQ4Q.js";import{a as t}from"./chunk-TMS6SP7J.js";import"./chunk-AA4YLTAM.js";import"./chunk-WATM2FUJ.js";import"./chunk-XY7QUVLB.js";var e=`Write a YAML list, e.g.
- name: arm64
  endpoint: ssh://runner@arm-host
  platforms: linux/arm64
  driver-opts:
    - memory=4g`;function N(s){return s.trim()===""?[]:v("append",s,s.split(`
`)[0],"nodes",e).map((o,f)=>{if(typeof o!="object"||o===null)throw new t("append",String(o),`node ${f+1} is not a mapping`,e);let a=o,p=n=>a[n]===void 0?"":String(a[n]).trim(),l=n=>{let i=a[n];return i===void 0?[]:(Array.isArray(i)?i.map(String):String(i).split(",")).map(m=>m.trim()).filter(m=>m!=="")},r=p("name");if(!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(r))throw new t("append",r,`node ${f+1} needs a name of letters, digits, ".", "_" or "-"`,e);let d=p("endpoint");if(d==="")throw new t("append",r,`node ${r} has no endpoint`,e);h("append",d,`Give node ${r} a Docker context name or a unix://, tcp:// or ssh:// address.`);let g=l("platforms"),u=g.find(n=>!c(n));if(u)throw new t("append",u,`node ${r} has a platform not of the form os/arch[/variant]`,e);return{name:r,endpoint:d,platforms:g,driverOpts:l("driver-opts").map(n=>w(n,"append")),buildkitdFlags:p("buildkitd-flags")}})}export{N as parseAppendNodes};
