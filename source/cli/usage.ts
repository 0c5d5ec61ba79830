export const USAGE = `
  Usage
    $ flashq-demo [options]                   the TUI on an in-process engine
    $ flashq-demo --connect URL [--token T]   the TUI on a queue served elsewhere (flashq-demo --serve)
    $ flashq-demo client [--url URL] <command> the command-line client (flashq-demo client --help)

  Options
    --storage memory|file|nats       storage backend (default memory)
    --data-dir DIR                   data directory (default ./flashq-data); implies --storage file
    --sync always|periodic|never     file storage: when to fsync (default always)
    --commit-threshold N             file storage: records per WAL commit (default 10)
    --cache-size N                   file storage: records kept in the read cache (default 1000)
    --nats-url URL[,URL...]          nats storage: the NATS JetStream cluster (or FLASHQ_NATS_URL);
                                     implies --storage nats; user/token in the URL authenticate
    --nats-replicas N                nats storage: replicas per topic stream and groups bucket (default 1)
    --nats-prefix P                  nats storage: names this queue's streams and bucket (default flashq)
    --nats-creds FILE                nats storage: a NATS credentials file
    --max-topics N                   refuse to create topics past N (409 topic_limit_reached; default 10000)
    --repair                         file storage: truncate a corrupt log at the damage (a copy is kept)
    --serve [PORT]                   also serve the REST API (default port 8080; 0 picks a free port)
    --port PORT                      same as --serve PORT
    --host HOST                      address to bind (default 127.0.0.1); any other than loopback needs a token
    --token TOKEN                    require "Authorization: Bearer TOKEN" (or set FLASHQ_TOKEN)
    --read-token TOKEN               also accept TOKEN for reading only: GET requests and the live
                                     /stats and /events; writes with it get 403 (or set FLASHQ_READ_TOKEN)
    --headless                       no TUI: run the server alone (implies --serve)
    --once                           print one frame of the current state and exit (no server)
    --tour                           start in the guided tour (lessons on their own engines, file
                                     storage in a fresh temp dir, or inside --data-dir DIR); with
                                     --once, print the whole tour as a transcript
    --seed N                         the tour's seed: same records, offsets and bytes every run (default 1)
    --connect URL                    open the app on the queue a flashq-demo --serve runs at URL (no
                                     engine here; with --token T or FLASHQ_TOKEN; --once prints a frame)
    --help / --version

  Examples
    $ flashq-demo --headless --data-dir ./data --serve 8080
    $ flashq-demo --serve
    $ flashq-demo --tour --seed 7
    $ flashq-demo --connect http://teacher:8080 --token s3cret
`;

/** What a usage error prints after its one line. */
export const USAGE_HINT = 'Run flashq-demo --help for the flags.';
