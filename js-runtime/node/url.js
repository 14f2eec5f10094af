// @ts-check
// `url`: the WHATWG `URL` and `URLSearchParams`, the file-URL helpers, and
// the legacy `parse`/`format`/`resolve` built on them.
import { web } from "ext:actions_runtime/05_web.js";

export default function create(require) {
  const { URL, URLSearchParams } = web.url();
  const querystring = require("querystring");

  /** @param {string} input @param {boolean} [parseQuery] */
  function parse(input, parseQuery = false) {
    let url;
    try {
      url = new URL(input);
    } catch {
      const relative = new URL(input, "relative:///");
      return {
        protocol: null, slashes: null, auth: null, host: null, port: null, hostname: null,
        hash: relative.hash || null, search: relative.search || null,
        query: parseQuery ? querystring.parse(relative.search.slice(1)) : relative.search.slice(1) || null,
        pathname: input.startsWith("/") ? relative.pathname : relative.pathname.slice(1),
        path: (input.startsWith("/") ? relative.pathname : relative.pathname.slice(1)) + relative.search,
        href: input,
      };
    }
    const auth = url.username ? decodeURIComponent(url.username) + (url.password ? `:${decodeURIComponent(url.password)}` : "") : null;
    return {
      protocol: url.protocol,
      slashes: true,
      auth,
      host: url.host,
      port: url.port || null,
      hostname: url.hostname,
      hash: url.hash || null,
      search: url.search || null,
      query: parseQuery ? querystring.parse(url.search.slice(1)) : url.search.slice(1) || null,
      pathname: url.pathname,
      path: url.pathname + url.search,
      href: url.href,
    };
  }

  /** @param {any} object */
  function format(object) {
    if (typeof object === "string") return object;
    if (object instanceof URL) return object.href;
    const protocol = object.protocol ? (object.protocol.endsWith(":") ? object.protocol : `${object.protocol}:`) : "";
    const host = object.host ?? (object.hostname ? object.hostname + (object.port ? `:${object.port}` : "") : "");
    const auth = object.auth ? `${object.auth}@` : "";
    const search = object.search ?? (object.query && typeof object.query === "object" && Object.keys(object.query).length ? `?${querystring.stringify(object.query)}` : "");
    const slashes = object.slashes || /^(https?|ftp|file|wss?):?$/.test(protocol) ? "//" : "";
    return `${protocol}${host ? slashes : ""}${auth}${host}${object.pathname ?? ""}${search}${object.hash ?? ""}`;
  }

  return {
    URL,
    URLSearchParams,
    parse,
    format,
    resolve: (/** @type {string} */ from, /** @type {string} */ to) => {
      const resolved = new URL(to, new URL(from, "resolve://"));
      return resolved.protocol === "resolve:" ? resolved.pathname + resolved.search + resolved.hash : resolved.href;
    },
    fileURLToPath: (/** @type {string | URL} */ u) => decodeURIComponent(new URL(String(u)).pathname),
    pathToFileURL: (/** @type {string} */ p) => new URL(`file://${p.split("/").map(encodeURIComponent).join("/")}`),
    domainToASCII: (/** @type {string} */ d) => new URL(`http://${d}`).hostname,
    domainToUnicode: (/** @type {string} */ d) => d,
  };
}
