import { demoLendingPoolReader } from "./demo-lending-pool";
import { erc20Reader } from "./erc20";
import type { PositionReader } from "./reader";

export * from "./reader";
export { erc20Reader, TRANSFER_TOPIC, foldTransfer } from "./erc20";
export { demoLendingPoolReader, DEPOSITED_TOPIC } from "./demo-lending-pool";

/** The readers a chain-source configuration can name. A protocol adds its own here. */
export const READERS: Readonly<Record<string, PositionReader>> = {
  [erc20Reader.kind]: erc20Reader,
  [demoLendingPoolReader.kind]: demoLendingPoolReader,
};
