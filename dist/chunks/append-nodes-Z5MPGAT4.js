import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as b}from"./chunk-C366XMO4.js";import{q as A}from"./chunk-GLQQ7Q7J.js";import{a as w}from"./chunk-6U4QP3LK.js";import{b as h}from"./chunk-SKG6MRVP.js";import"./chunk-SIZKI6H3.js";import"./chunk-MGDA7M6U.js";import{a as t}from"./chunk-YYK4MSAG.js";import"./chunk-HRRRQVWP.js";import{d as $}from"./chunk-XY7QUVLB.js";var v=$(b());var e=`Write a YAML list, e.g.
- name: arm64
  endpoint: ssh://runner@arm-host
  platforms: linux/arm64
  driver-opts:
    - memory=4g`;function M(i){if(i.trim()==="")return[];let a;try{a=(0,v.parse)(i)}catch(o){throw new t("append",i.split(`
`)[0],`not valid YAML: ${o.message.split(`
`)[0]}`,e)}if(!Array.isArray(a))throw new t("append",i.split(`
`)[0],"not a YAML list of nodes",e);return a.map((o,l)=>{if(typeof o!="object"||o===null)throw new t("append",String(o),`node ${l+1} is not a mapping`,e);let p=o,d=n=>p[n]===void 0?"":String(p[n]).trim(),g=n=>{let s=p[n];return s===void 0?[]:(Array.isArray(s)?s.map(String):String(s).split(",")).map(f=>f.trim()).filter(f=>f!=="")},r=d("name");if(!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(r))throw new t("append",r,`node ${l+1} needs a name of letters, digits, ".", "_" or "-"`,e);let m=d("endpoint");if(m==="")throw new t("append",r,`node ${r} has no endpoint`,e);h("append",m,`Give node ${r} a Docker context name or a unix://, tcp:// or ssh:// address.`);let u=g("platforms"),c=u.find(n=>!w(n));if(c)throw new t("append",c,`node ${r} has a platform not of the form os/arch[/variant]`,e);return{name:r,endpoint:m,platforms:u,driverOpts:g("driver-opts").map(n=>A(n,"append")),buildkitdFlags:d("buildkitd-flags")}})}export{M as parseAppendNodes};
