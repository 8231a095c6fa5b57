// Every bound keel relies on, named in one place (house rule 9). Each module appends its own
// section; tests exercise each limit at the limit.

// --- probe / mysql ---
/** A probe of a hung or dead server must answer within this bound. */
export const PROBE_DEADLINE_MS = 2_000;
/** TCP connect timeout for probes; below PROBE_DEADLINE_MS so the deadline can still report. */
export const MYSQL_CONNECT_TIMEOUT_MS = 1_500;
/** Per-query timeout on probe queries. */
export const MYSQL_QUERY_TIMEOUT_MS = 1_500;

// --- gossip (SWIM membership + record dissemination) ---
/** Largest encoded gossip message (msgpack of the typed message); leaves room for the ~50 B envelope under 1,400 B. */
export const GOSSIP_MESSAGE_BYTES_MAX = 1_300;
/** Members one node tracks (alive, suspect, dead and left together); joins beyond this are refused. */
export const GOSSIP_MEMBERS_MAX = 4_096;
/** Pending membership/record updates waiting to be piggybacked; the oldest, most-sent drop first. */
export const GOSSIP_QUEUE_MAX = 1_024;
/** Updates piggybacked on one message, whatever their size. */
export const GOSSIP_PIGGYBACK_MAX = 32;
/** Largest opaque record a node may publish. */
export const GOSSIP_RECORD_BYTES_MAX = 16_384;
/** Record bytes carried by one chunk, so a chunk and its message header fit one datagram. */
export const GOSSIP_CHUNK_BYTES_MAX = 1_000;
/** Records being reassembled from chunks at once; the oldest partial record is dropped beyond this. */
export const GOSSIP_CHUNK_BUFFERS_MAX = 64;
/** A partial record not completed within this time is dropped. */
export const GOSSIP_CHUNK_TTL_MS = 10_000;
/** Same-cluster members a new record version is pushed to directly (clusters hold 2–9 agents). */
export const GOSSIP_CLUSTER_PUSH_MAX = 16;
/** Anti-entropy datagrams (membership digest pages) sent per push-pull exchange. */
export const GOSSIP_SYNC_PAGES_MAX = 8;
/** Records one push-pull exchange may request or send back. */
export const GOSSIP_SYNC_RECORDS_MAX = 16;
/** Probes awaiting an answer (own probes plus indirect probes run for others). */
export const GOSSIP_PENDING_PROBES_MAX = 256;

// --- net (envelope, replay window, transports) ---
/** Largest datagram keel sends or accepts: fits a 1,500 B Ethernet MTU after IP/UDP headers. */
export const MAX_DATAGRAM_BYTES = 1_400;
/** Sequence numbers remembered per sender (IPsec-style sliding window). */
export const REPLAY_WINDOW_BITS = 1_024;
/** Senders whose replay windows are kept; the least recently seen is forgotten beyond this. */
export const REPLAY_MAX_SENDERS = 4_096;
/** Longest sender id an envelope may carry, in UTF-8 bytes. */
export const MAX_SENDER_ID_BYTES = 255;
/** Log lines per drop reason per window; the rest are counted, not printed. */
export const DROP_LOG_LINES_PER_WINDOW = 5;
export const DROP_LOG_WINDOW_MS = 60_000;
/** Socket buffers: a default 208 KiB receive buffer loses most of a 1,000-datagram burst. */
export const UDP_RECV_BUFFER_BYTES = 4 * 1024 * 1024;
export const UDP_SEND_BUFFER_BYTES = 4 * 1024 * 1024;

// --- gtid (set algebra) ---
/** Longest GTID text keel parses; real gtid_executed values with thousands of server UUIDs stay far below. */
export const GTID_TEXT_MAX_CHARS = 1_048_576;

// --- sandbox ---
/** Most servers one local sandbox starts; five fit in a small VM at the sandbox's memory settings. */
export const SANDBOX_INSTANCES_MAX = 9;
/** How long a starting server may take to accept connections before the start counts as failed. */
export const SANDBOX_START_TIMEOUT_MS = 30_000;
/** How long a clean shutdown (SIGTERM) may take before it is reported as stuck. */
export const SANDBOX_STOP_TIMEOUT_MS = 30_000;
/** How long a killed server's process may linger before the kill counts as failed. */
export const SANDBOX_KILL_TIMEOUT_MS = 5_000;
/** How long replicas may take to show both replication threads running after START SLAVE. */
export const SANDBOX_REPLICATION_WAIT_MS = 20_000;
/** Connect/query timeout of the sandbox's own admin SQL. */
export const SANDBOX_SQL_TIMEOUT_MS = 3_000;
/** Lines of a server's error log quoted when it fails to start. */
export const SANDBOX_ERROR_LOG_TAIL_LINES = 8;
/** A unix socket path must fit sockaddr_un.sun_path (108 bytes with the NUL). */
export const SANDBOX_SOCKET_PATH_MAX = 107;

// --- config ---
/** A config file bigger than this is refused unread (a real one is a few KB). */
export const CONFIG_FILE_BYTES_MAX = 1_048_576;
/** Password and keyring files are small; anything bigger is the wrong file. */
export const CONFIG_SECRET_FILE_BYTES_MAX = 65_536;
/** Gossip keys are AES-256 keys. */
export const CONFIG_KEY_BYTES = 32;
/** Keys installed at once (rotation needs two or three; the datagram's key id is one byte). */
export const CONFIG_KEYRING_KEYS_MAX = 16;
/** Gossip seed addresses. */
export const CONFIG_SEEDS_MAX = 64;
/** Raft voters listed explicitly. */
export const CONFIG_VOTERS_MAX = 15;
/** Commands per hook event. */
export const CONFIG_HOOK_COMMANDS_MAX = 32;
/** Probe interval bounds: faster burns the server, slower detects too late. */
export const CONFIG_PROBE_INTERVAL_MS_MIN = 100;
export const CONFIG_PROBE_INTERVAL_MS_MAX = 60_000;

// --- raft (consensus core + durable log) ---
/** Largest encoded Raft message (msgpack of the typed message); leaves room for the envelope under 1,400 B. */
export const RAFT_MESSAGE_BYTES_MAX = 1_300;
/** Longest voter id, in UTF-8 bytes; bounds the fixed part of every message. */
export const RAFT_NODE_ID_BYTES_MAX = 64;
/** Upper bound on a message's encoded size without its entries or snapshot chunk (two ids at the max). */
export const RAFT_MESSAGE_HEADER_BYTES = 256;
/** Upper bound on one entry's encoding beyond its data bytes ({index, term, data} as a map). */
export const RAFT_ENTRY_OVERHEAD_BYTES = 40;
/** Largest proposal: one entry always fits one append message, so entries are never chunked. */
export const RAFT_ENTRY_DATA_BYTES_MAX =
  RAFT_MESSAGE_BYTES_MAX - RAFT_MESSAGE_HEADER_BYTES - RAFT_ENTRY_OVERHEAD_BYTES;
/** Entries one append message carries, whatever their size (binds for entries under ~3 bytes). */
export const RAFT_APPEND_ENTRIES_MAX = 24;
/** Unacknowledged appends pipelined to one follower. */
export const RAFT_INFLIGHT_APPENDS_MAX = 16;
/** Entries the leader holds uncommitted; proposals beyond this are refused (back-pressure). */
export const RAFT_UNCOMMITTED_ENTRIES_MAX = 1_024;
/** Snapshot bytes carried by one chunk, so a chunk and its header fit one datagram. */
export const RAFT_SNAPSHOT_CHUNK_BYTES = 1_000;
/** Largest snapshot a node accepts from a leader or reads from disk. */
export const RAFT_SNAPSHOT_BYTES_MAX = 16 * 1024 * 1024;
/** Voters in one Raft group (clusters hold 2–9 agents plus witnesses). */
export const RAFT_VOTERS_MAX = 15;
/** Largest record the log file accepts; a longer length prefix is treated as corruption. */
export const RAFT_LOG_RECORD_BYTES_MAX = 64 * 1024;
/** Finished recoveries the ledger keeps; the oldest finished ones are dropped beyond this. */
export const LEDGER_FINISHED_RECOVERIES_MAX = 64;
/** Downtime windows the ledger holds at once. */
export const LEDGER_DOWNTIMES_MAX = 256;
/** Longest text field (instance, reason, comment, step name) in a ledger command. */
export const LEDGER_TEXT_CHARS_MAX = 256;
/** Steps in one recovery plan. */
export const LEDGER_PLAN_STEPS_MAX = 40;

// --- console views (topology, cluster list, quorum, events) ---
/** A state older than this is shown `unchecked` with a `stale:<age>` token (probes run every 250–500 ms). */
export const CONSOLE_STATE_STALE_MS = 5_000;
/** Replication lag (net of SQL_Delay) above this shows status `lag`, as orchestrator's ReasonableReplicationLagSeconds does for analysis. */
export const CONSOLE_LAG_WARN_SECONDS = 10;
/** A quorum member not heard from for longer than this is highlighted (a few election timeouts). */
export const CONSOLE_CONTACT_WARN_MS = 3_000;
/** Events the console keeps; older ones are dropped first. */
export const CONSOLE_EVENTS_MAX = 1_000;

// --- hooks (shell commands run on failure detection, failover and takeover) ---
/** Output kept per hook command (stdout and stderr together); the tail is kept, the head dropped. */
export const HOOK_OUTPUT_BYTES_MAX = 64 * 1024;
/** After a hook's timeout its process group gets SIGTERM, then SIGKILL once this grace has passed. */
export const HOOK_KILL_GRACE_MS = 2_000;
/** After a hook's shell exits, how long a background child still holding its output pipe is waited for. */
export const HOOK_OUTPUT_DRAIN_MS = 200;

// --- obs (logs, metrics, HTTP, audit) ---
/** Label combinations one metric may hold; observations for further combinations are dropped and counted. */
export const METRICS_SERIES_PER_METRIC_MAX = 1_000;
/** Nesting depth of a log field or audit record value beyond which it is written as "[too deep]". */
export const LOG_FIELD_DEPTH_MAX = 8;
/** Longest string written in a log field; longer ones are cut and marked. */
export const LOG_FIELD_CHARS_MAX = 8_192;
/** Largest audit record line; a bigger record is refused rather than written. */
export const AUDIT_RECORD_BYTES_MAX = 256 * 1024;
/** Largest HTTP request body the status server accepts (it serves GET only). */
export const HTTP_REQUEST_BODY_BYTES_MAX = 16 * 1024;

// --- raft host, proposals, local API (runtime) ---
/** How often the agent ticks its raft node: well under the 100 ms heartbeat, cheap on 2 cores. */
export const RAFT_HOST_TICK_MS = 15;
/** Applied entries kept in the raft log before the ledger is snapshotted and the log compacted. */
export const RAFT_COMPACT_EVERY_ENTRIES = 1_000;
/** Proposals one agent waits on at once (its own and those forwarded to it as leader). */
export const PROPOSALS_PENDING_MAX = 256;
/** A forwarded proposal not answered by the leader within this is sent again (same request id). */
export const PROPOSAL_FORWARD_RETRY_MS = 250;
/** Forwarding attempts of one proposal before it fails. */
export const PROPOSAL_FORWARD_ATTEMPTS_MAX = 8;
/** How long a leader remembers a request id's outcome, so a retry gets the answer instead of a second entry. */
export const PROPOSAL_DEDUP_WINDOW_MS = 60_000;
/** Request ids remembered at once; beyond this the oldest are forgotten first. */
export const PROPOSAL_DEDUP_MAX = 4_096;
/** Default time `propose` waits for a leader, the commit and the apply. */
export const PROPOSAL_TIMEOUT_MS_DEFAULT = 5_000;
/** Longest request id accepted on the wire. */
export const PROPOSAL_REQUEST_ID_CHARS_MAX = 64;
/** Signed API requests are accepted this far either side of the agent's wall clock. */
export const API_AUTH_SKEW_MS = 30_000;
/** Nonces remembered against replay (each for twice the skew); new requests are refused when full. */
export const API_NONCE_CACHE_MAX = 16_384;
/** How long a CLI call to the local agent may take before it reports the agent unreachable. */
export const API_CLIENT_TIMEOUT_MS = 10_000;
/** Recoveries shown in the raft status view's ledger summary. */
export const RAFT_STATUS_RECOVERIES_SHOWN = 5;

// --- console app (key state machine, live source, actions) ---
/** Longest downtime the console's dialog accepts; longer windows belong in a change ticket and the CLI. */
export const CONSOLE_DOWNTIME_MS_MAX = 7 * 86_400_000;
/** Characters the console's text inputs (cluster name, custom duration) accept. */
export const CONSOLE_INPUT_CHARS_MAX = 64;
/** How often the console asks its source for a new snapshot (the issue asks for at least every second). */
export const CONSOLE_REFRESH_MS = 1_000;
/** A snapshot request taking longer than this counts as a lost source for that round. */
export const CONSOLE_SOURCE_TIMEOUT_MS = 2_500;
/** How often the plain-text summary (TERM=dumb, no TTY) reprints. */
export const CONSOLE_PLAIN_INTERVAL_MS = 5_000;

// --- runtime: the agent (keel agent) ---
/** How often the agent's loop ticks the gossip core: its deadlines (80 ms probe timeout, 200 ms
 *  periods) fire at most this late, and 20 wake-ups a second keep an idle agent cheap. */
export const AGENT_TICK_INTERVAL_MS = 50;
/** An unchanged record is republished this often: each publish costs every member ~4–8 KB, so
 *  publishing every probe would break the 5 KB/s budget; freshness comes from lastHeardAtMs. */
export const AGENT_RECORD_KEEPALIVE_MS = 5_000;
/** Records whose msgpack is larger than this are deflated (flag byte 1), if that makes them smaller. */
export const AGENT_RECORD_COMPRESS_ABOVE_BYTES = 512;
/** A compressed record may not inflate beyond this (a deflate bomb from a buggy peer). */
export const AGENT_RECORD_INFLATED_BYTES_MAX = 256 * 1024;
/** After announcing a graceful leave, gossip keeps running this long to get the word out. */
export const AGENT_LEAVE_FLUSH_MS = 400;
/** A member not heard from for this long has its record shown as stale in /api/state. */
export const AGENT_MEMBER_STALE_MS = 5_000;

// --- mysql actions (fence, promote, repoint, demote; the replicas' check of their primary) ---
/** Per-statement bound on action SQL; SET GLOBAL read_only may wait behind commits in progress. */
export const ACTION_QUERY_TIMEOUT_MS = 5_000;
/** Connect timeout of an admin connection opened to act on a server. */
export const ACTION_CONNECT_TIMEOUT_MS = 2_000;
/** How long promote waits for the SQL thread to apply the relay log it already holds. */
export const ACTION_RELAY_APPLY_TIMEOUT_MS = 10_000;
/** How long repoint waits for both replication threads to run after START SLAVE/REPLICA. */
export const ACTION_REPLICATION_START_TIMEOUT_MS = 5_000;
/** Pause between replica-status reads while an action waits for replication to settle. */
export const ACTION_POLL_INTERVAL_MS = 50;
/** A waiting query (MASTER_GTID_WAIT…) gets this much longer than the wait it asks the server for. */
export const ACTION_WAIT_MARGIN_MS = 1_000;
/** Replicas keel configures retry a lost source every second and expect a heartbeat every second. */
export const REPLICA_CONNECT_RETRY_SECONDS = 1;
export const REPLICA_HEARTBEAT_PERIOD_SECONDS = 1;
/** A replica's direct check of its primary (handshake + SELECT 1) must answer within this. */
export const PRIMARY_CHECK_TIMEOUT_MS = 500;

// --- read side (observer join, view source, read commands, sandbox agents) ---
/** How often a gossip observer ticks its core while it listens. */
export const OBSERVER_TICK_MS = 20;
/** How long a read command's observer waits for every live member's record (loopback settles in ~50 ms). */
export const OBSERVER_SETTLE_MS_DEFAULT = 2_500;
/** After an observer announces its leave, gossip runs this long to carry the word before the socket closes. */
export const OBSERVER_LEAVE_FLUSH_MS = 100;
/** A local agent's /api/state must answer within this, or the read command joins the gossip instead. */
export const READ_AGENT_API_TIMEOUT_MS = 1_500;
/** How long `sandbox up --agents` / `start-agent` wait for an agent's HTTP API to answer. */
export const SANDBOX_AGENT_START_TIMEOUT_MS = 10_000;
/** How long an agent may take to exit after SIGTERM before it is killed. */
export const SANDBOX_AGENT_STOP_TIMEOUT_MS = 5_000;
/** A snapshot older than this is called STALE in the console's header (three missed refreshes). */
export const CONSOLE_SNAPSHOT_STALE_MS = 3_000;
/** How long the console watches the ledger for a requested switchover to move the primary. */
export const CONSOLE_SWITCHOVER_WAIT_MS = 60_000;
/** How often it looks while watching. */
export const CONSOLE_SWITCHOVER_POLL_MS = 500;

// --- runtime: recovery (the leader's runner, its step executor and the step RPC) ---
/** How often the raft leader re-assesses its cluster unprompted; gossip record updates and ledger
 *  changes wake it at once, so this only bounds how late time-based windows are noticed. */
export const RECOVERY_RUNNER_TICK_MS = 200;
/** A step request is resent this often until its agent answers. */
export const STEP_RPC_RESEND_MS = 150;
/** No acknowledgement from the target's agent within this: it is gone, the leader acts remotely. */
export const STEP_RPC_ACK_TIMEOUT_MS = 600;
/** Added to a step's own bound before the leader stops waiting for the agent's answer. */
export const STEP_RPC_RESULT_MARGIN_MS = 3_000;
/** Longest detail a step answer carries (the ledger keeps 256 characters). */
export const STEP_RPC_DETAIL_CHARS_MAX = 200;
/** Longest GTID position a step request carries; longer ones make the leader act remotely. */
export const STEP_RPC_GTID_CHARS_MAX = 800;
/** Answers an agent remembers so a resent request gets the same answer, not a second run. */
export const STEP_RPC_FINISHED_REMEMBERED = 256;
/** Bound of steps without one of their own (promote, repoint, fence…), including connecting. */
export const RECOVERY_STEP_BOUND_MS = 15_000;
/** Margin added to fence_after before a new primary is made writable behind an unreachable one. */
export const RECOVERY_FENCE_MARGIN_MS = 1_000;
/** Hook output kept in a step's ledger detail (the whole tail goes to the log and the audit). */
export const RECOVERY_HOOK_DETAIL_CHARS_MAX = 160;
/** How long `keel failover|switchover` wait for the recovery to finish by default. */
export const RECOVERY_COMMAND_TIMEOUT_MS = 60_000;
/** How often those commands read the ledger while they wait. */
export const RECOVERY_COMMAND_POLL_MS = 100;
/** Standing refusals remembered (one event per episode each). */
export const RECOVERY_EVENTS_REMEMBERED = 64;

// --- runtime: the reconciler (fencing, self-fencing, rejoin) and its commands ---
/** How long a `keel rejoin` request stays in force when it cannot be honoured at once. */
export const RECONCILE_REJOIN_REQUEST_TTL_MS = 60_000;
/** Resend interval of a rejoin request to another agent (channel "j"). */
export const REJOIN_RPC_RESEND_MS = 500;
/** Rejoin requests an agent remembers by id, so a resend is answered, not run again. */
export const REJOIN_RPC_REMEMBERED = 64;
/** How long the local agent waits for the target agent's answer to a rejoin (a demote can take
 *  a connect, a stop, a CHANGE MASTER and up to ACTION_REPLICATION_START_TIMEOUT_MS to start). */
export const REJOIN_RPC_TIMEOUT_MS = 15_000;
/** Longest `keel downtime --duration`: a week, like the console's. */
export const DOWNTIME_DURATION_MS_MAX = 7 * 86_400_000;
/** The agent checks its primary every half probe interval, but not more often than this. */
export const PRIMARY_CHECK_INTERVAL_MS_MIN = 100;
/** No automatic recovery within this long (or 4 probe intervals) of the last one finishing. */
export const RECOVERY_SETTLE_MS_MIN = 2_000;

// --- demo (`keel demo`) ---
/** The demo writer's pause between inserts: enough to move the event log and the GTIDs visibly. */
export const DEMO_WRITER_INTERVAL_MS = 100;
/** One insert may wait this long (semi-sync waits up to its own 1 s timeout for a replica's ack). */
export const DEMO_WRITER_QUERY_TIMEOUT_MS = 5_000;
/** Pause before the writer looks for a writable server again after a failure. */
export const DEMO_WRITER_RETRY_MS = 200;
/** Acknowledged ids remembered for the lost-writes count (about 28 h of writing at 10/s). */
export const DEMO_WRITER_ACKED_IDS_MAX = 1_000_000;
/** From the sandbox being up until the agents agree on a raft leader and the ledger names a primary. */
export const DEMO_READY_TIMEOUT_MS = 30_000;
/** From killing the primary's mysqld until another server is the ledger's writable primary. */
export const DEMO_FAILOVER_TIMEOUT_MS = 30_000;
/** From restarting the old primary until it replicates from the new one. */
export const DEMO_REJOIN_TIMEOUT_MS = 30_000;
/** How often the demo reads the agents and servers while it waits for one of the above. */
export const DEMO_POLL_MS = 200;
/** How long `apt-get install mariadb-server` may take before the demo gives up on it. */
export const DEMO_INSTALL_TIMEOUT_MS = 600_000;
/** From starting the demo writer until its warm-up writes are acknowledged. */
export const DEMO_WRITER_START_TIMEOUT_MS = 10_000;
/** How long a headless topology print waits for the agents' view to show what the servers show. */
export const DEMO_TOPOLOGY_WAIT_MS = 10_000;
/**
 * Acknowledged writes (about 2 s) before the demo hands over to the user: the kill then lands
 * mid-stream on a cluster with history, and every agent has gossiped a moved GTID position.
 */
export const DEMO_WARMUP_WRITES = 20;
/** The leader's own probe of each replica right before choosing a candidate must answer within this. */
export const RECOVERY_REFRESH_DEADLINE_MS = 1_000;

// --- mysql actions: applying the relay log before a promotion (review 1, item 8) ---
/**
 * The SQL thread's "has read all relay log" is trusted for a trailing transaction the dead source
 * never finished sending only after the executed GTIDs have not moved for this long (parallel
 * workers may still be applying behind a coordinator that already says it).
 */
export const ACTION_RELAY_TAIL_STALL_MS = 1_000;

// --- operator override (keel failover --force-without-quorum) ---
/** How long the promoted server's agent suspends its reconciler unless told otherwise. */
export const OPERATOR_OVERRIDE_TTL_MS_DEFAULT = 30 * 60_000;
/** The longest override an operator can ask for: past it the normal rules (self-fencing) return. */
export const OPERATOR_OVERRIDE_TTL_MS_MAX = 24 * 3_600_000;

// --- recovery runtime shutdown (recovery-wiring.ts) ---
/**
 * How long stopping the agent waits for the leader's recovery runner to wind down (its step calls
 * are failed at once; a hook or statement still running is left to its own bound).
 */
export const RECOVERY_STOP_WAIT_MS = 3_000;

// --- mysql fence: releasing commits stuck in a semi-sync wait ---
/** Pause between looks for semi-sync waiters while SET GLOBAL read_only is pending. */
export const FENCE_RELEASE_POLL_MS = 20;
/** Without a second connection, each SET GLOBAL read_only try waits this long behind commits. */
export const FENCE_LOCK_WAIT_SECONDS = 1;
/** The whole release-and-set of a fence gives up after this long. */
export const FENCE_RELEASE_TIMEOUT_MS = 5_000;
