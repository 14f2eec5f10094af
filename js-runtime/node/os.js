// @ts-check
// `os`: a fixed, plausible Linux machine; nothing about the host leaks.
export default function create() {
  return {
    EOL: "\n",
    arch: () => "x64",
    platform: () => "linux",
    type: () => "Linux",
    release: () => "6.1.0",
    version: () => "#1 SMP",
    machine: () => "x86_64",
    hostname: () => "localhost",
    homedir: () => "/home/node",
    tmpdir: () => "/tmp",
    endianness: () => "LE",
    uptime: () => 0,
    loadavg: () => [0, 0, 0],
    totalmem: () => 2 * 1024 * 1024 * 1024,
    freemem: () => 1024 * 1024 * 1024,
    availableParallelism: () => 1,
    cpus: () => [],
    networkInterfaces: () => ({}),
    userInfo: () => ({ uid: 1000, gid: 1000, username: "node", homedir: "/home/node", shell: null }),
    constants: { signals: {}, errno: {} },
    devNull: "/dev/null",
  };
}
