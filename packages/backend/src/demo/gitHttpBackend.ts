import { spawn } from 'node:child_process';
import type { Request, Response } from 'express';

/**
 * Serves Git's smart HTTP protocol for the bare repositories under `root` by
 * running `git http-backend` as a CGI program, so clones and pushes go over
 * real HTTP exactly as they would to a Git forge.
 */
export function gitHttpBackend(root: string) {
  return (req: Request, res: Response) => {
    const [path, query = ''] = req.url.split('?');
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        // Pushes are allowed without a remote user: the demo server is local.
        REMOTE_USER: 'demo',
        REQUEST_METHOD: req.method,
        PATH_INFO: decodeURIComponent(path),
        QUERY_STRING: query,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: req.headers['content-length'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    req.pipe(child.stdin);

    // CGI output: headers, a blank line, then the body.
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        return;
      }
      headersDone = true;
      for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') {
          res.status(parseInt(value, 10));
        } else if (name) {
          res.setHeader(name, value);
        }
      }
      res.write(head.subarray(end + 4));
    });
    child.stderr.resume();
    child.on('close', code => {
      if (!headersDone) {
        res.status(500).end(`git http-backend exited with ${code}`);
      } else {
        res.end();
      }
    });
    // The client went away before the answer was complete.
    res.on('close', () => {
      if (!res.writableEnded) {
        child.kill();
      }
    });
  };
}
