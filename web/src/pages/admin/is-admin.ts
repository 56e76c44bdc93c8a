/** Who sees the admin pages and their nav link: a signed-in user with the role admin. Apart from the pages, so the first page does not load them. */
import type { Principal } from '../../api.js';

export const isAdmin = (me: Principal | undefined): boolean => me?.kind === 'user' && me.role === 'admin';
