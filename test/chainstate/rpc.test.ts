import { expect } from "chai";

import { classifyRpcError, RpcTimeoutError } from "../../prover/chainstate/rpc";

describe("RPC failure classification", () => {
  it("splits the range for the ways providers refuse a wide log query, and for a timeout", () => {
    for (const message of [
      "query returned more than 10000 results",
      "eth_getLogs block range is too large",
      "exceed maximum block range: 5000",
      "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
      'could not coalesce error (error={ "code": -32005, "message": "limit exceeded" })',
    ])
      expect(classifyRpcError(new Error(message)), message).to.equal("range");
    expect(classifyRpcError(new RpcTimeoutError("eth_getLogs", 30_000))).to.equal("range");
  });

  it("backs off, without splitting, on throttling and on connection errors", () => {
    for (const message of [
      "429 Too Many Requests",
      "rate limit exceeded",
      "Your app has exceeded its compute units per second capacity",
      "socket hang up (ECONNRESET)",
      "connect ECONNREFUSED 127.0.0.1:8545",
    ])
      expect(classifyRpcError(new Error(message)), message).to.equal("transient");
  });
});
