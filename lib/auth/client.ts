'use client';
import { createAuthClient } from 'better-auth/react';

// Browser side of Better Auth: same-origin calls to /api/auth/*.
export const authClient = createAuthClient();
