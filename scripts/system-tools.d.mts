export interface SystemTool {
  name: string;
  aptPackage: string;
  envVar: string;
  candidates: (string | undefined)[];
  command?: string;
  versionArgs?: string[];
}
export function findTool(tool: SystemTool): string | undefined;
export function missingMessage(tool: SystemTool): string;
export function ensureTool(tool: SystemTool): string;
export const CHROMIUM: SystemTool;
export const AWS_CLI: SystemTool;
