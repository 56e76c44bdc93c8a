/**
 * Roles and what each may do. A role is a fixed set of permissions; routes ask for a
 * permission, never for a role, so that this table is the one place to read (docs/api.md#roles).
 */
export const ROLES = ['operator', 'quality', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Read lots, traces, events, the live stream and EPCIS queries. */
  'read',
  /** Capture events: receipts, production, packing, shipping, moves, inspections. */
  'capture',
  /** Holds, releases, destructions and error declarations: decisions about a lot's fitness for use. */
  'quality',
  /** Change master data: items, parties (suppliers, customers) and locations. */
  'master-data',
  /** Read the administrative audit log, users and keys (without secrets). */
  'audit',
  /** Create and change users and API keys. */
  'admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Separation of duties (21 CFR Part 11): the administrator manages accounts but does not record
 * plant events, and the auditor reads everything and changes nothing. Master data is kept by
 * quality (it ends up in recall notices and FSMA records) and by the administrator, whose admin
 * pages set up the plant's items, suppliers, customers and locations.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  operator: ['read', 'capture'],
  quality: ['read', 'capture', 'quality', 'master-data'],
  auditor: ['read', 'audit'],
  admin: ['read', 'audit', 'admin', 'master-data'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
