// AgentRecord ⇄ the opaque bytes gossip carries: a flag byte, then msgpack (flag 0) or
// deflate-raw of msgpack (flag 1). Big MySQL GTID sets compress well and each gossip chunk
// costs a datagram per member, so records over AGENT_RECORD_COMPRESS_ABOVE_BYTES are deflated.
// Decoding never throws: whatever a peer sent becomes a typed record or a typed error.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { Packr } from "msgpackr";
import { AGENT_RECORD_COMPRESS_ABOVE_BYTES, AGENT_RECORD_INFLATED_BYTES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { AgentRecord } from "../model/agent-record.ts";
import { RecordFieldError, readAgentRecord } from "./agent-record-shape.ts";

export const RECORD_FLAG_PLAIN = 0;
export const RECORD_FLAG_DEFLATED = 1;

export type RecordDecodeError =
  | { code: "agent.record-empty" }
  | { code: "agent.record-unknown-format"; flag: number }
  | { code: "agent.record-corrupt"; detail: string }
  | { code: "agent.record-bad-field"; field: string };

// Plain maps, no records/structures: peers restart independently and must not share state.
const packr = new Packr({ useRecords: false, mapsAsObjects: true });

export function encodeAgentRecord(record: AgentRecord): Uint8Array {
  const plain = packr.pack(record);
  if (plain.length > AGENT_RECORD_COMPRESS_ABOVE_BYTES) {
    const deflated = deflateRawSync(plain);
    if (deflated.length < plain.length) return framed(RECORD_FLAG_DEFLATED, deflated);
  }
  return framed(RECORD_FLAG_PLAIN, plain);
}

export function decodeAgentRecord(bytes: Uint8Array): Result<AgentRecord, RecordDecodeError> {
  if (bytes.length === 0) return err({ code: "agent.record-empty" });
  const flag = bytes[0] as number;
  let plain: Uint8Array;
  if (flag === RECORD_FLAG_PLAIN) plain = bytes.subarray(1);
  else if (flag === RECORD_FLAG_DEFLATED) {
    try {
      plain = inflateRawSync(bytes.subarray(1), { maxOutputLength: AGENT_RECORD_INFLATED_BYTES_MAX });
    } catch (e) {
      return err({ code: "agent.record-corrupt", detail: `inflate: ${describe(e)}` });
    }
  } else return err({ code: "agent.record-unknown-format", flag });
  let value: unknown;
  try {
    value = packr.unpack(plain);
  } catch (e) {
    return err({ code: "agent.record-corrupt", detail: `msgpack: ${describe(e)}` });
  }
  try {
    return ok(readAgentRecord(value));
  } catch (e) {
    if (e instanceof RecordFieldError) return err({ code: "agent.record-bad-field", field: e.field });
    return err({ code: "agent.record-corrupt", detail: describe(e) });
  }
}

function framed(flag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = flag;
  out.set(body, 1);
  return out;
}

function describe(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 200);
}
