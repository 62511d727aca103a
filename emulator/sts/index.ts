import type { QueryService } from "../core/types.js";

/** STUB: owned by the IAM/STS work. */
export const stsService: QueryService = {
  service: "sts",
  xmlns: "https://sts.amazonaws.com/doc/2011-06-15/",
  operations: {},
};
