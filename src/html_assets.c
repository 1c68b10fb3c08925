/* html_assets.c -- the HTML report's one inline style sheet and one inline script (hashed into its Content-Security-Policy). */
#include "lanscan/html.h"

/* Colours are chosen to read in print and for red-green colour blindness:
 * up is a blue-green, down a pale grey-rose, unknown amber with a hatch. */
const char ls_html_style[] =
	"\n:root{--up:#1a9e77;--down:#eadcdc;--unk:#e6a817;--no:#f6f6f6;--fg:#1d1d1f;--mute:#6b6b70}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);"
	"margin:1.5em auto;max-width:1600px;padding:0 1em}\n"
	"h1{font-size:1.45em;margin:0 0 .2em;overflow-wrap:anywhere}h2{font-size:1.1em;margin:1.6em 0 .4em}\n"
	".sum{font-size:1.05em;margin:.3em 0}.sum b{font-variant-numeric:tabular-nums}\n"
	".note{color:var(--mute);font-size:.9em;margin:.3em 0}\n"
	".pill{display:inline-block;padding:0 .55em;border-radius:1em;margin-right:.2em}\n"
	".pill.up{background:var(--up);color:#fff}.pill.down{background:var(--down)}"
	".pill.unknown{background:var(--unk)}.pill.zero{background:#eee;color:var(--mute)}\n"
	"table.hosts{border-collapse:collapse;min-width:60%;font-variant-numeric:tabular-nums}\n"
	".hosts th{font-size:.75em;letter-spacing:.06em;text-align:left;color:var(--mute);"
	"border-bottom:2px solid #ccc;padding:.35em .6em;white-space:nowrap;user-select:none}\n"
	".hosts th.js{cursor:pointer}.hosts th[aria-sort=ascending]::after{content:' \\25B4'}"
	".hosts th[aria-sort=descending]::after{content:' \\25BE'}\n"
	".hosts td{padding:.3em .6em;border-bottom:1px solid #eee;overflow-wrap:break-word;vertical-align:top}\n"
	".hosts tbody tr:nth-child(even){background:#fafafa}.hosts tbody tr:hover{background:#eef6f3}\n"
	".hosts th.n{text-align:right}.hosts td.n{text-align:right;white-space:nowrap}.hosts td.a{white-space:nowrap;font-family:ui-monospace,monospace}\n"
	".s-up{color:var(--up);font-weight:600}.s-down{color:#a05050}.s-unknown{color:#a06d00;font-weight:600}\n"
	".maps{display:flex;flex-wrap:wrap;gap:1.2em 2em}\n"
	"figure{margin:0}figcaption{font-size:.9em;margin-bottom:.3em}figcaption b{font-family:ui-monospace,monospace}\n"
	"table.map{border-collapse:separate;border-spacing:2px;table-layout:fixed}\n"
	".map td{width:26px;height:26px;padding:1px 2px;font-size:10px;line-height:1.1;vertical-align:top;"
	"overflow:hidden;border-radius:3px;cursor:default}\n"
	".map td i{display:block;font-style:normal;font-weight:600;font-size:9px;white-space:nowrap;"
	"overflow:hidden;text-overflow:ellipsis}\n"
	".m-up{background:var(--up);color:#fff}.m-down{background:var(--down);color:#8a7070}"
	".m-unknown{background:repeating-linear-gradient(45deg,var(--unk) 0 4px,#f3c75a 4px 8px);color:#3d2c00}"
	".m-no{background:var(--no);color:#c8c8c8}\n"
	".map td:hover{outline:2px solid var(--fg)}\n"
	".legend span{display:inline-block;width:1em;height:1em;border-radius:3px;vertical-align:-.15em;margin:0 .3em 0 .8em}\n"
	"details{margin-top:1em}summary{cursor:pointer;color:var(--mute)}details .maps{margin-top:.6em}\n"
	"@media print{.hosts tbody tr:hover{background:none}}\n";

/* Sorts the hosts table by a click (or Enter) on a heading: numbers by
 * their data-n, addresses by their data-k, text as text; empty cells last
 * either way; ties keep the address order (data-i).  Without JavaScript
 * the table is already in address order. */
const char ls_html_script[] =
	"\n(function(){\n"
	"var t=document.getElementById('hosts');if(!t||!t.tHead)return;\n"
	"var hs=t.tHead.rows[0].cells;\n"
	"function key(c){if(c.hasAttribute('data-n'))return parseFloat(c.getAttribute('data-n'));"
	"var k=c.getAttribute('data-k');return k!==null?k:c.textContent;}\n"
	"function cmp(a,b){if(typeof a==='number'&&typeof b==='number')return a-b;"
	"return String(a).localeCompare(String(b),undefined,{numeric:true});}\n"
	"function empty(c){return c.textContent==='';}\n"
	"function sort(i){var h=hs[i],b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows);"
	"var d=h.getAttribute('aria-sort')==='ascending'?-1:1;\n"
	"for(var j=0;j<hs.length;j++)hs[j].removeAttribute('aria-sort');"
	"h.setAttribute('aria-sort',d>0?'ascending':'descending');\n"
	"rs.sort(function(x,y){var p=x.cells[i],q=y.cells[i],ep=empty(p),eq=empty(q);"
	"if(ep!==eq)return ep?1:-1;return d*cmp(key(p),key(q))||(x.getAttribute('data-i')-y.getAttribute('data-i'));});\n"
	"for(var k=0;k<rs.length;k++)b.appendChild(rs[k]);}\n"
	"Array.prototype.forEach.call(hs,function(h,i){h.tabIndex=0;h.classList.add('js');"
	"h.addEventListener('click',function(){sort(i);});"
	"h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort(i);}});});\n"
	"})();\n";
