// Package bot is briefbot's Discord side. One Router holds the command
// table and maps each interaction to a response or to an error the member
// reads; Deferral is the middleware that keeps Discord's 3-second deadline
// around it. The transports are thin adapters around one Router: the
// gateway, the HTTP interactions endpoint and the console. They share one
// REST client (rest.go) and one in-flight tracker for an orderly shutdown.
//
// The digest Scheduler lives here too, in the scheduler_* and digest_*
// files: it posts digests of new briefs on each channel's schedule, exactly
// once across any number of instances, and serves the /digest commands.
// It shares the rendering and the REST client with the transports, which is
// why it is not a package of its own.
package bot
