/**
 * The pieces every service's route declarations repeat: a problem+json response, a JSON
 * response, a required JSON body, and the admin bearer requirement.
 */
import type { z } from "@hono/zod-openapi";
import { Problem } from "./problem.ts";

export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/** Routes that need the deployment's admin bearer token (`adminToken` security scheme). */
export const ADMIN_SECURITY = [{ adminToken: [] }];
