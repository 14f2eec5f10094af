// @ts-check
// Node built-ins an Action may load but not use here: the file system,
// sockets and raw HTTP (use `fetch`, which answers from the flow's `http`
// fixtures), compression. They load, so packages that require them at start-up
// (axios, follow-redirects, form-data) still work; every function throws an
// Error that names what was called. Constants packages read at load time
// are real.

/** @param {string} name */
export default function create(_require, name) {
  const module = name.replace(/\/promises$/, "");
  const why = {
    fs: "Actions have no file system access here",
    http: "make requests with fetch (answered from the flow's `http` fixtures)",
    https: "make requests with fetch (answered from the flow's `http` fixtures)",
    http2: "make requests with fetch (answered from the flow's `http` fixtures)",
    net: "Actions cannot open sockets here",
    tls: "Actions cannot open sockets here",
    dns: "Actions cannot resolve names here",
    zlib: "compression is not emulated",
  }[module] ?? "it is not emulated";
  /** @param {string} fn */
  const refuse = (fn) =>
    function unavailable() {
      const error = new Error(`${module}.${fn}() is not available in this emulator: ${why}`);
      /** @type {any} */ (error).code = "ERR_ACTIONS_UNAVAILABLE";
      throw error;
    };
  /** @type {Record<string, any>} */
  const constants = module === "zlib"
    ? { Z_NO_FLUSH: 0, Z_PARTIAL_FLUSH: 1, Z_SYNC_FLUSH: 2, Z_FULL_FLUSH: 3, Z_FINISH: 4, Z_BLOCK: 5, Z_OK: 0, Z_STREAM_END: 1,
        BROTLI_OPERATION_FLUSH: 1, BROTLI_OPERATION_PROCESS: 0, BROTLI_OPERATION_FINISH: 2 }
    : module === "fs" ? { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 } : {};
  const exports = new Proxy({ constants }, {
    get(target, key) {
      if (key in target) return /** @type {any} */ (target)[key];
      if (typeof key === "symbol" || key === "then") return undefined;
      if (key === "STATUS_CODES") return { 200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };
      if (key === "METHODS") return ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
      if (key === "promises") return exports;
      if (key === "Agent" || key === "Server") return class { constructor() { refuse(key)(); } };
      if (key === "globalAgent") return {};
      if (key === "default") return exports;
      return refuse(key);
    },
  });
  return exports;
}
