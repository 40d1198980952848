import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { Socket } from "node:net";

export interface Loopback {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Resolves once the server is closed; ends hung requests and keep-alive connections first. */
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 only (tests never listen on another address). */
export async function listenLoopback(handle: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<Loopback> {
  const sockets = new Set<Socket>();
  const server = createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("loopback server: no TCP address");
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests and keep-alive connections would otherwise keep close() waiting.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
