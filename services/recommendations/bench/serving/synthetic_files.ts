/**
 * The offline benchmark's synthetic dataset (`../offline/synthetic.ts`) written as the
 * Personalize files a user would import (interactions, items with GENRES and a textual TITLE,
 * users with REGION) plus their Avro schemas, for benchmarks that go through the service.
 */
import type { SyntheticDataset } from "../offline/synthetic.ts";

const NAMESPACE = "com.amazonaws.personalize.schema";

export const SCHEMAS = {
  INTERACTIONS: {
    type: "record",
    name: "Interactions",
    namespace: NAMESPACE,
    fields: [
      { name: "USER_ID", type: "string" },
      { name: "ITEM_ID", type: "string" },
      { name: "TIMESTAMP", type: "long" },
    ],
    version: "1.0",
  },
  ITEMS: {
    type: "record",
    name: "Items",
    namespace: NAMESPACE,
    fields: [
      { name: "ITEM_ID", type: "string" },
      { name: "GENRES", type: ["null", "string"], categorical: true },
      { name: "TITLE", type: ["null", "string"], textual: true },
      { name: "CREATION_TIMESTAMP", type: "long" },
    ],
    version: "1.0",
  },
  USERS: {
    type: "record",
    name: "Users",
    namespace: NAMESPACE,
    fields: [
      { name: "USER_ID", type: "string" },
      { name: "REGION", type: ["null", "string"], categorical: true },
    ],
    version: "1.0",
  },
} as const;

export const userId = (u: number) => `u${u}`;
export const itemId = (i: number) => `i${i}`;

export function syntheticFiles(ds: SyntheticDataset): Record<keyof typeof SCHEMAS, string> {
  const { interactions } = ds;
  const interactionRows = ["USER_ID,ITEM_ID,TIMESTAMP"];
  for (let r = 0; r < interactions.user.length; r++) {
    interactionRows.push(
      `${userId(interactions.user[r])},${itemId(interactions.item[r])},${interactions.time[r]}`,
    );
  }
  const itemRows = ["ITEM_ID,GENRES,TITLE,CREATION_TIMESTAMP"];
  for (let i = 0; i < ds.numItems; i++) {
    const { categorical = {}, textual = {} } = ds.itemMetadata[i];
    itemRows.push(
      `${itemId(i)},${(categorical.GENRES ?? []).join("|")},${textual.TITLE ?? ""},${
        Math.round(ds.itemCreated[i])
      }`,
    );
  }
  const userRows = ["USER_ID,REGION"];
  for (let u = 0; u < ds.numUsers; u++) {
    userRows.push(`${userId(u)},${(ds.userMetadata[u].categorical?.REGION ?? []).join("|")}`);
  }
  return {
    INTERACTIONS: interactionRows.join("\n"),
    ITEMS: itemRows.join("\n"),
    USERS: userRows.join("\n"),
  };
}
