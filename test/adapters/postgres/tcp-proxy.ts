import * as net from "node:net";

/**
 * A TCP relay in front of PostgreSQL that a test can cut (every connection dropped, the port
 * closed: the database "went away"), freeze (connections stay open but nothing gets through: a
 * silent network, no reset), and restore on the same port (it "came back").
 */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | null = null;
  #port = 0;
  #frozen = false;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** Relay to the host and port of `databaseUrl`, listening on a free port of 127.0.0.1. */
  static async start(databaseUrl: string): Promise<TcpProxy> {
    const url = new URL(databaseUrl);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.restore();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.#port);
    return url.toString();
  }

  /** Drop every relayed connection and stop listening: new connections are refused. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Swallow every byte from now on, both ways, on open and new connections. */
  freeze(): void {
    this.#frozen = true;
  }

  /** Listen again (on the same port once it has one), relaying normally. */
  async restore(): Promise<void> {
    this.#frozen = false;
    if (this.#server !== null) return;
    const server = net.createServer((client) => this.#relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, "127.0.0.1", () => resolve());
    });
    this.#port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  #relay(client: net.Socket): void {
    const upstream = net.connect(this.#target.port, this.#target.host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk) => {
      if (!this.#frozen) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!this.#frozen) client.write(chunk);
    });
  }
}
