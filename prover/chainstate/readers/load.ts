import { loadModuleExports } from "../../modules";
import type { PositionReader } from "./reader";

function isReader(value: unknown): value is PositionReader {
  const r = value as Partial<PositionReader> | null;
  return typeof r === "object" && r !== null && typeof r.kind === "string" && typeof r.columns === "number" && typeof r.read === "function";
}

/** The position readers a module exports (`lifeboat snapshot --reader FILE`); see loadModuleExports. */
export async function loadReaderModule(file: string): Promise<PositionReader[]> {
  return loadModuleExports(file, isReader, "position reader", "an object with kind, columns and read(spec, context)");
}
