/**
 * `lifeboat/positions`: pre-incident balances read from chain state at a block. A position reader
 * turns one contract's logs and views into account balances; the operator passes the readers its
 * protocol needs (ERC-20 holders are built in).
 *
 * @packageDocumentation
 */
export { readChainInput, DEFAULT_MAX_RANGE, type ChainInput, type ChainSource, type ChainReadOptions } from "./chain-input";
export { parseChainSourceConfig, CHAIN_SOURCE_FORMAT, type ChainSourceConfig } from "./config";
export type { PositionReader, ReaderContext, NetDebtor, SourceReport, SourceResult, SourceSpec } from "./readers/reader";
export { callAt } from "./call";
export { erc20Reader } from "./readers/erc20";
export { BUILTIN_READERS, readersByKind, loadReaderModule } from "./readers";
export { foldLogs, type FoldLogs, type FoldResult } from "./fold-logs";
export { scanLogs, topicAddress, type ChainLog, type LogScan } from "./log-scan";
export { ScanCache } from "./scan-cache";
export { contractAccounts, type ContractAccount } from "./contract-accounts";
export { CallRevertedError, RpcTimeoutError, DEFAULT_RETRY, type JsonRpc, type RetryPolicy } from "./rpc";
