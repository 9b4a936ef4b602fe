#!/usr/bin/env node
/*
 * oauth-consent.js — what a person does on the PDS's OAuth login page, without a browser:
 * open the authorize URL, sign in, then consent (or reject), and follow the PDS's redirect.
 * Prints the URL the browser would be sent back to (the client's redirect_uri with code,
 * state and iss, or error=access_denied) on stdout, and nothing else.
 *
 * usage: node oauth-consent.js <authorize_url> <username> <password> [consent|reject]
 *
 * It does what the login page's JS does (the same calls as the reference oauth-test.js):
 * /@atproto/oauth-provider/~api/sign-in and /consent (or /reject), same-origin, with the
 * CSRF cookie and browser-style sec-fetch-* headers (undici.request: fetch() cannot send
 * them). Exit status 1 with the reason on stderr when any step fails.
 */
'use strict'
const { request } = require('undici')

async function http(url, { method = 'GET', headers = {}, body } = {}) {
  const r = await request(url, { method, headers, body })
  const text = await r.body.text()
  const h = r.headers
  const get = (k) => { const v = h[k.toLowerCase()]; return v == null ? null : Array.isArray(v) ? v.join(', ') : v }
  const setCookies = h['set-cookie'] == null ? [] : [].concat(h['set-cookie'])
  return { status: r.statusCode, ok: r.statusCode >= 200 && r.statusCode < 300, get, setCookies, text }
}

const jar = new Map()
function storeCookies(res) {
  for (const c of res.setCookies) {
    const [kv] = c.split(';')
    const i = kv.indexOf('=')
    jar.set(kv.slice(0, i).trim(), kv.slice(i + 1).trim())
  }
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

async function main() {
  const [authUrl, username, password, decision = 'consent'] = process.argv.slice(2)
  if (!authUrl || !username || !password) throw new Error('usage: oauth-consent.js <authorize_url> <username> <password> [consent|reject]')
  const origin = new URL(authUrl).origin
  const page = await http(authUrl, {
    headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'none',
      'user-agent': 'roost-oauth-test/1.0', accept: 'text/html' },
  })
  storeCookies(page)
  if (!page.ok) throw new Error(`authorize page: ${page.status} ${page.text.slice(0, 300)}`)

  const api = async (path, body, bearer) => {
    const res = await http(`${origin}/@atproto/oauth-provider/~api${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', origin, referer: authUrl,
        'sec-fetch-mode': 'same-origin', 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'empty',
        'x-csrf-token': jar.get('csrf-token'), cookie: cookieHeader(), 'user-agent': 'roost-oauth-test/1.0',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify(body),
    })
    storeCookies(res)
    if (!res.ok) throw new Error(`${path}: ${res.status} ${res.text.slice(0, 300)}`)
    return JSON.parse(res.text)
  }
  let answer
  if (decision === 'reject') {
    answer = await api('/reject', {})
  } else {
    const signIn = await api('/sign-in', { locale: 'en', username, password, remember: false })
    // oauth-provider 0.15 (pds 0.4.x) names the account by sub; 0.22 (pds 0.5.x) by did.
    const who = signIn.account.sub ? { sub: signIn.account.sub } : { did: signIn.account.did }
    // The scope the client asked for in its pushed request (Roost's, as in ADR 0031).
    answer = await api('/consent', { ...who, scope: 'atproto transition:generic' }, signIn.ephemeralToken)
  }
  const red = await http(answer.url, {
    headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'same-origin',
      referer: authUrl, cookie: cookieHeader() },
  })
  let back = red.get('location')
  if (!back) { // form_post / HTML redirect variants
    const m = red.text.match(/(https?:\/\/[^"'<\s]*\/oauth\/bluesky\/callback[^"'<\s]*)/)
    back = m && m[1].replace(/&amp;/g, '&')
  }
  if (!back) throw new Error(`no redirect: ${red.status} ${red.text.slice(0, 300)}`)
  process.stdout.write(back + '\n')
}
main().catch((e) => { process.stderr.write(`oauth-consent: ${e.message}\n`); process.exit(1) })
