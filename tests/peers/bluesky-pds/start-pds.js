#!/usr/bin/env node
// Roost's Bluesky test peer: an unmodified @atproto/pds plus an in-memory PLC directory
// (@did-plc/server, Database.mock(), as @atproto/dev-env's TestPlc does) in one node
// process, both bound to 127.0.0.1 only. Every secret is generated at start, so a run is
// one throw-away test session: the PLC forgets its DIDs when the process ends.
//
// When both servers listen it prints one line to stdout:
//   READY {"pdsUrl":..,"plcUrl":..,"adminPassword":..,"jwtSecret":..,"serviceDid":..,...}
// jwtSecret is there so that tests can sign tokens the PDS accepts (an expired access
// token, to exercise refreshing); nothing else should ever print it.
//
// Environment (all optional):
//   PDS_PORT, PLC_PORT        ports to listen on; default: free ports picked at start
//   PDS_DATA_DIR              SQLite files and blobs; default: a fresh temporary directory,
//                             removed on exit
//   PDS_MAX_LIFETIME_SECONDS  exit after this long even if nobody stops us (a test run
//                             that was killed must not leave a server behind); default 0: never
//   LOG_ENABLED=true          the PDS's own pino logs, on stdout
'use strict'
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const crypto = require('node:crypto')

const host = '127.0.0.1'
const secretBytes = 32
const portAttempts = 5

// The packages call app.listen(port), which binds every interface; passing the host keeps
// the test peer off the network without modifying any package file.
function bindLoopback(app) {
  const listen = app.listen
  app.listen = function (port, ...rest) {
    return listen.call(this, port, host, ...rest)
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function portFromEnv(name) {
  const text = process.env[name]
  if (!text) return undefined
  const port = Number.parseInt(text, 10)
  if (!(port > 0 && port < 65536)) throw new Error(`${name} is not a port: ${text}`)
  return port
}

async function startPlc(plc, port) {
  const server = plc.PlcServer.create({ db: plc.Database.mock(), port })
  bindLoopback(server.app)
  await server.start()
  return server
}

async function startPds(pds, Secp256k1Keypair, { port, plcUrl, dataDir }) {
  const blobDir = path.join(dataDir, 'blobs')
  fs.mkdirSync(blobDir, { recursive: true })
  const rotationKey = await Secp256k1Keypair.create({ exportable: true })
  const recoveryKey = await Secp256k1Keypair.create()
  const secrets = {
    adminPassword: crypto.randomBytes(secretBytes / 2).toString('hex'),
    jwtSecret: crypto.randomBytes(secretBytes).toString('hex'),
    dpopSecret: crypto.randomBytes(secretBytes).toString('hex'),
  }
  const env = {
    devMode: true, // accepts the plain-http public URL below
    hostname: 'localhost', // public URL http://localhost:<port>, service DID did:web:localhost
    port,
    dataDirectory: dataDir,
    blobstoreDiskLocation: blobDir,
    didPlcUrl: plcUrl, // the default is the public https://plc.directory
    recoveryDidKey: recoveryKey.did(),
    serviceHandleDomains: ['.test'],
    plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
    inviteRequired: false,
    disableSsrfProtection: true,
    serviceName: 'Roost test PDS',
    crawlers: [], // never announce ourselves to a relay
    ...secrets,
  }
  const cfg = pds.envToCfg(env)
  const server = await pds.PDS.create(cfg, pds.envToSecrets(env))
  bindLoopback(server.app)
  await server.start()
  return { server, cfg, secrets }
}

// A port picked free can be taken before we bind it: pick again, a few times.
async function withPort(fixed, start) {
  for (let attempt = 1; ; attempt++) {
    const port = fixed ?? (await freePort())
    try {
      return { port, started: await start(port) }
    } catch (err) {
      if (fixed !== undefined || err.code !== 'EADDRINUSE' || attempt >= portAttempts) throw err
    }
  }
}

async function main() {
  const startedAt = Date.now()
  const { Secp256k1Keypair } = require('@atproto/crypto')
  const plc = require('@did-plc/server')
  const pds = require('@atproto/pds')

  const ownDataDir = !process.env.PDS_DATA_DIR
  const dataDir = ownDataDir
    ? fs.mkdtempSync(path.join(os.tmpdir(), 'roost-test-pds-'))
    : path.resolve(process.env.PDS_DATA_DIR)
  fs.mkdirSync(dataDir, { recursive: true })

  const plcRun = await withPort(portFromEnv('PLC_PORT'), (port) => startPlc(plc, port))
  const plcUrl = `http://localhost:${plcRun.port}`
  const pdsRun = await withPort(portFromEnv('PDS_PORT'), (port) =>
    startPds(pds, Secp256k1Keypair, { port, plcUrl, dataDir }),
  )
  const { server, cfg, secrets } = pdsRun.started

  let stopping = false
  const stop = async (why) => {
    if (stopping) return
    stopping = true
    console.log(`stopping: ${why}`)
    try {
      await server.destroy()
      await plcRun.started.destroy()
    } catch (err) {
      console.error(err)
    }
    if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  const lifetime = Number.parseInt(process.env.PDS_MAX_LIFETIME_SECONDS || '0', 10)
  if (lifetime > 0) setTimeout(() => stop('maximum lifetime reached'), lifetime * 1000).unref()

  const info = {
    pdsUrl: `http://localhost:${pdsRun.port}`,
    plcUrl,
    pdsPort: pdsRun.port,
    plcPort: plcRun.port,
    serviceDid: cfg.service.did,
    handleDomains: cfg.identity.serviceHandleDomains,
    adminPassword: secrets.adminPassword,
    jwtSecret: secrets.jwtSecret,
    dataDir,
    pid: process.pid,
    startupMs: Date.now() - startedAt,
    versions: {
      node: process.version,
      pds: require('@atproto/pds/package.json').version,
      plcServer: require('@did-plc/server/package.json').version,
    },
  }
  console.log('READY ' + JSON.stringify(info))
}

main().catch((err) => {
  console.error('FAILED to start the test PDS', err)
  process.exit(1)
})
