#!/usr/bin/env node
require('../server/out/main.js');
