// Child process for the nats lease tests: opens nats storage on argv[2] (comma-separated URLs) with
// prefix argv[3] and lease TTL argv[4] ms, says so ("leased <pid>", or "refused <message>" and exits 3),
// and holds the lease (renewing it) until killed.
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {openNatsBackend} from '../../../source/storage/nats/nats-backend.js';

try {
	await openNatsBackend(
		{storage: 'nats', servers: process.argv[2]!.split(','), prefix: process.argv[3]!, replicas: 3, leaseTtlMs: Number(process.argv[4])},
		{events: new EventHub<FlashQEvent>()},
	);
	process.stdout.write(`leased ${process.pid}\n`);
	setInterval(() => undefined, 1000);
} catch (error) {
	process.stdout.write(`refused ${(error as Error).message}\n`);
	process.exitCode = 3;
}
