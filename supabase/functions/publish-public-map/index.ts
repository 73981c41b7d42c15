// Supabase Edge Function (Deno): the hosted project's publisher of the public map, the
// equivalent of the local stack's supabase/local/publish/publisher.ts (docs/database.md,
// "The published public map"). A Database Webhook calls it after each public change (and a
// scheduled call once a minute as a safety net); it reads what the public sees in one RPC each,
// uploads the content-hashed files and then the pointer to the public `public-map` bucket, and
// broadcasts the pointer as `published` on the private `public-map` channel.
//
// Deploy: `supabase functions deploy publish-public-map --no-verify-jwt`, with the secret
// PUBLISH_TOKEN set (`supabase secrets set PUBLISH_TOKEN=...`) and sent by the webhook as
// `Authorization: Bearer <PUBLISH_TOKEN>`. The bucket: public, created once
// (`insert into storage.buckets (id, name, public) values ('public-map', 'public-map', true)`).
import { createClient } from 'npm:@supabase/supabase-js@2';
import { POINTER_NAME, PUBLIC_MAP_BUCKET, publicationFiles, type PublicMapPointer } from '../_shared/public-map-files.ts';

declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(handler: (request: Request) => Promise<Response>): void;
};

const url = Deno.env.get('SUPABASE_URL')!;
const serviceKey = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!;
const token = Deno.env.get('PUBLISH_TOKEN');

async function publish(): Promise<PublicMapPointer> {
  const db = createClient(url, serviceKey, { auth: { persistSession: false } });
  const rpc = async (fn: string) => {
    const { data, error } = await db.rpc(fn);
    if (error) throw new Error(`${fn}: ${error.message}`);
    return data as { version?: number; changed_at?: string };
  };
  // Two calls, not one statement: a change between them only makes the changes file newer,
  // and the next publication (the change's own webhook call) brings both in step.
  const map = await rpc('public_map_snapshot');
  const changes = await rpc('public_map_changes');
  const current = await db.storage.from(PUBLIC_MAP_BUCKET).download(POINTER_NAME);
  const previous = current.data ? (JSON.parse(await current.data.text()) as PublicMapPointer) : null;
  if (previous && previous.version > Number(map.version)) return previous;
  const compounds = previous?.compounds ? { name: previous.compounds } : JSON.stringify(await rpc('public_map_compounds'));
  const { files, pointer } = await publicationFiles({
    map: JSON.stringify(map),
    version: Number(map.version),
    changedAt: String(map.changed_at),
    changes: JSON.stringify(changes),
    compounds,
    publishedAt: new Date(),
  });
  for (const file of files) {
    const { error } = await db.storage.from(PUBLIC_MAP_BUCKET).upload(file.name, new Blob([file.body], { type: 'application/json' }), {
      upsert: !file.immutable,
      cacheControl: file.immutable ? '31536000' : '0',
      contentType: 'application/json',
    });
    // An immutable file already there is the same bytes (its name is their hash).
    if (error && !(file.immutable && /exists|Duplicate/i.test(error.message))) throw new Error(`${file.name}: ${error.message}`);
  }
  const channel = db.channel(PUBLIC_MAP_BUCKET, { config: { private: true } });
  await channel.send({ type: 'broadcast', event: 'published', payload: pointer });
  await db.removeChannel(channel);
  return pointer;
}

Deno.serve(async (request) => {
  if (!token || request.headers.get('Authorization') !== `Bearer ${token}`) {
    return new Response(JSON.stringify({ message: 'Unauthorized' }), { status: 401, headers: { 'Content-Type': 'application/json' } });
  }
  try {
    const pointer = await publish();
    return new Response(JSON.stringify(pointer), { headers: { 'Content-Type': 'application/json' } });
  } catch (error) {
    console.error('publishing the public map failed', error);
    return new Response(JSON.stringify({ message: 'Publishing failed; the last publication stays served' }), {
      status: 500,
      headers: { 'Content-Type': 'application/json' },
    });
  }
});
