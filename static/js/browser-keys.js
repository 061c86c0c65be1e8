// Signature keys kept in this browser (C2): made with WebCrypto as ECDSA P-256 and stored in
// IndexedDB only encrypted (AES-GCM under a key derived from the holder's PIN with PBKDF2), so
// someone else using the same browser profile cannot sign with it. Only a certificate signing
// request (PKCS#10) leaves the browser. Later, with the PIN, the key signs the bytes of an
// interrupted PAdES signing; it is imported for that one signature as not extractable.
//
// Pages opt in with data attributes (no inline script; texts come translated from the page):
//   [data-browser-key-request]  a form with #id_csr_text and #id_origin; [data-browser-key-pin]
//                               and [data-browser-key-pin2] inputs; a "make a key" button
//   [data-browser-key-sign]     the signing page: data-fingerprint (SHA-256 of the
//                               certificate's SubjectPublicKeyInfo), data-to-sign (Base64),
//                               a [data-browser-key-pin] input
(function () {
  "use strict";

  var DB_NAME = "kstu-signature-keys";
  var STORE = "keys";
  var ALGORITHM = { name: "ECDSA", namedCurve: "P-256" };
  var SIGN_ALGORITHM = { name: "ECDSA", hash: "SHA-256" };
  var PBKDF2_ITERATIONS = 600000;
  var MIN_PIN_LENGTH = 6;

  function supported() {
    return !!(window.isSecureContext && window.crypto && window.crypto.subtle && window.indexedDB);
  }

  // ------------------------------------------------------------------ IndexedDB

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "fingerprint" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function saveKey(record) {
    return withStore("readwrite", function (store) { return store.put(record); });
  }

  function findKey(fingerprint) {
    return withStore("readonly", function (store) { return store.get(fingerprint); });
  }

  // ------------------------------------------------------------------ bytes and DER

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function toBase64(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return window.btoa(binary);
  }

  function fromBase64(text) {
    var binary = window.atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function concat(parts) {
    var length = parts.reduce(function (sum, part) { return sum + part.length; }, 0);
    var out = new Uint8Array(length);
    var offset = 0;
    parts.forEach(function (part) { out.set(part, offset); offset += part.length; });
    return out;
  }

  function der(tag, content) {
    var n = content.length;
    var header;
    if (n < 0x80) { header = [tag, n]; }
    else if (n < 0x100) { header = [tag, 0x81, n]; }
    else { header = [tag, 0x82, n >> 8, n & 0xff]; }
    return concat([new Uint8Array(header), content]);
  }

  function seq() { return der(0x30, concat(Array.prototype.slice.call(arguments))); }

  function oid(dotted) {
    var parts = dotted.split(".").map(Number);
    var bytes = [40 * parts[0] + parts[1]];
    parts.slice(2).forEach(function (value) {
      var chunk = [value & 0x7f];
      value = Math.floor(value / 128);
      while (value > 0) { chunk.unshift((value & 0x7f) | 0x80); value = Math.floor(value / 128); }
      bytes = bytes.concat(chunk);
    });
    return der(0x06, new Uint8Array(bytes));
  }

  function utf8String(text) { return der(0x0c, new TextEncoder().encode(text)); }

  function derInteger(bytes) {
    var i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) { i++; }
    var value = bytes.slice(i);
    if (value[0] & 0x80) { value = concat([new Uint8Array([0]), value]); }
    return der(0x02, value);
  }

  // WebCrypto gives ECDSA signatures as r || s; X.509 and CMS want SEQUENCE { r, s }.
  function ecdsaToDer(raw) {
    var bytes = new Uint8Array(raw);
    var half = bytes.length / 2;
    return seq(derInteger(bytes.slice(0, half)), derInteger(bytes.slice(half)));
  }

  function pem(label, bytes) {
    var body = toBase64(bytes).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  // ------------------------------------------------------------------ keys

  function pinKey(pin, salt) {
    var subtle = window.crypto.subtle;
    return subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"])
      .then(function (material) {
        return subtle.deriveKey(
          { name: "PBKDF2", salt: salt, iterations: PBKDF2_ITERATIONS, hash: "SHA-256" },
          material,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"]
        );
      });
  }

  function makeKeyAndRequest(commonName, pin) {
    var subtle = window.crypto.subtle;
    var pair;
    var spki;
    var csr;
    return subtle.generateKey(ALGORITHM, true, ["sign", "verify"])
      .then(function (generated) {
        pair = generated;
        return subtle.exportKey("spki", pair.publicKey);
      })
      .then(function (exported) {
        spki = new Uint8Array(exported);
        var subject = seq(der(0x31, seq(oid("2.5.4.3"), utf8String(commonName))));
        var info = seq(der(0x02, new Uint8Array([0])), subject, spki, new Uint8Array([0xa0, 0]));
        return subtle.sign(SIGN_ALGORITHM, pair.privateKey, info).then(function (signature) {
          var bitString = der(0x03, concat([new Uint8Array([0]), ecdsaToDer(signature)]));
          csr = seq(info, seq(oid("1.2.840.10045.4.3.2")), bitString);
        });
      })
      .then(function () {
        var salt = window.crypto.getRandomValues(new Uint8Array(16));
        var iv = window.crypto.getRandomValues(new Uint8Array(12));
        return Promise.all([
          subtle.digest("SHA-256", spki),
          subtle.exportKey("pkcs8", pair.privateKey),
          pinKey(pin, salt)
        ]).then(function (parts) {
          return subtle.encrypt({ name: "AES-GCM", iv: iv }, parts[2], parts[1])
            .then(function (sealed) {
              var record = {
                fingerprint: hex(parts[0]),
                sealedKey: sealed,
                salt: salt,
                iv: iv,
                commonName: commonName,
                created: new Date().toISOString()
              };
              return saveKey(record).then(function () {
                return { csrPem: pem("CERTIFICATE REQUEST", csr), fingerprint: record.fingerprint };
              });
            });
        });
      });
  }

  // Resolves to the Base64 DER signature, or rejects with "wrong-pin".
  function signWithKey(record, pin, bytes) {
    var subtle = window.crypto.subtle;
    return pinKey(pin, record.salt)
      .then(function (key) {
        return subtle.decrypt({ name: "AES-GCM", iv: record.iv }, key, record.sealedKey)
          .catch(function () { throw new Error("wrong-pin"); });
      })
      .then(function (pkcs8) {
        return subtle.importKey("pkcs8", pkcs8, ALGORITHM, false, ["sign"]);
      })
      .then(function (privateKey) { return subtle.sign(SIGN_ALGORITHM, privateKey, bytes); })
      .then(function (signature) { return toBase64(ecdsaToDer(signature)); });
  }

  // ------------------------------------------------------------------ pages

  function say(box, text, isError) {
    var status = box.querySelector("[data-browser-key-status]");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("field-error", !!isError);
  }

  function requestPage(box) {
    var button = box.querySelector("[data-browser-key-make]");
    var form = box.closest("form") || box.querySelector("form");
    var pinFields = box.querySelector("[data-browser-key-pins]");
    if (!button || !form) { return; }
    if (!supported()) {
      say(box, box.getAttribute("data-text-unsupported"), true);
      return;
    }
    button.hidden = false;
    if (pinFields) { pinFields.hidden = false; }
    button.addEventListener("click", function () {
      var pin = box.querySelector("[data-browser-key-pin]").value;
      var again = box.querySelector("[data-browser-key-pin2]").value;
      if (pin.length < MIN_PIN_LENGTH) {
        say(box, box.getAttribute("data-text-pin-short"), true);
        box.querySelector("[data-browser-key-pin]").focus();
        return;
      }
      if (pin !== again) {
        say(box, box.getAttribute("data-text-pin-mismatch"), true);
        box.querySelector("[data-browser-key-pin2]").focus();
        return;
      }
      button.disabled = true;
      say(box, box.getAttribute("data-text-working"), false);
      makeKeyAndRequest(box.getAttribute("data-common-name") || "KSTU", pin)
        .then(function (made) {
          form.querySelector("#id_csr_text").value = made.csrPem;
          form.querySelector("#id_origin").value = "browser";
          box.querySelector("[data-browser-key-pin]").value = "";
          box.querySelector("[data-browser-key-pin2]").value = "";
          say(box, box.getAttribute("data-text-made"), false);
          form.submit();
        })
        .catch(function (error) {
          button.disabled = false;
          say(box, box.getAttribute("data-text-failed") + " (" + error + ")", true);
        });
    });
  }

  function signPage(box) {
    var button = box.querySelector("[data-browser-key-use]");
    var pinFields = box.querySelector("[data-browser-key-pins]");
    var form = box.closest("form") || document.querySelector("form[data-signature-form]");
    if (!button || !form || !supported()) { return; }
    var fingerprint = box.getAttribute("data-fingerprint");
    findKey(fingerprint).then(function (record) {
      if (!record) {
        say(box, box.getAttribute("data-text-absent"), false);
        return;
      }
      button.hidden = false;
      if (pinFields) { pinFields.hidden = false; }
      say(box, box.getAttribute("data-text-present"), false);
      var pinInput = box.querySelector("[data-browser-key-pin]");
      button.addEventListener("click", function () {
        button.disabled = true;
        signWithKey(record, pinInput.value, fromBase64(box.getAttribute("data-to-sign")))
          .then(function (value) {
            pinInput.value = "";
            form.querySelector("#id_signature_value").value = value;
            form.submit();
          })
          .catch(function (error) {
            button.disabled = false;
            if (error && error.message === "wrong-pin") {
              say(box, box.getAttribute("data-text-wrong-pin"), true);
              pinInput.value = "";
              pinInput.focus();
            } else {
              say(box, box.getAttribute("data-text-failed") + " (" + error + ")", true);
            }
          });
      });
    }).catch(function () {
      say(box, box.getAttribute("data-text-absent"), false);
    });
  }

  document.querySelectorAll("[data-browser-key-request]").forEach(requestPage);
  document.querySelectorAll("[data-browser-key-sign]").forEach(signPage);
})();
