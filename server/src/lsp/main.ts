#!/usr/bin/env node
// The language server bundle: `node dist/server.js --stdio` (or --node-ipc / --socket=N),
// for VS Code and for any other LSP client. Nothing here may write to stdout.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './registrations.ts';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
connection.listen();
