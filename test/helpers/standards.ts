/** The official GS1 files live in ../shared/standards beside the project (never copied into it). */
import { existsSync } from 'node:fs';

export const STANDARDS_DIR = new URL('../../../shared/standards/', import.meta.url).pathname;
export const HAVE_STANDARDS = existsSync(`${STANDARDS_DIR}EPCIS-JSON-Schema.json`);
