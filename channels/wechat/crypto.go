package wechat

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
)

// The SDK's helpers are not used here: its compare is not constant-time
// and its decryption does not check the padding or the app id strictly.

// signature is WeChat's: hex SHA-1 of the sorted parts, concatenated
// (token, timestamp, nonce; and the ciphertext for msg_signature).
func signature(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

// signatureOK compares in constant time so the signature cannot be
// guessed byte by byte from response times.
func signatureOK(got string, parts ...string) bool {
	want := signature(parts...)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}

// pkcs7Block is WeChat's padding block: 32 bytes, not AES's 16.
const pkcs7Block = 32

var errCiphertext = errors.New("wechat: invalid ciphertext")

// decrypt opens a safe-mode message: AES-256-CBC with IV key[:16] over
// random(16) | len(4, big endian) | msg | appid, PKCS#7-padded to 32.
func decrypt(key []byte, appID, b64 string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errCiphertext
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > pkcs7Block || pad > len(pt) {
		return nil, errCiphertext
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, errCiphertext
		}
	}
	pt = pt[:len(pt)-pad]
	if len(pt) < 20 {
		return nil, errCiphertext
	}
	n := binary.BigEndian.Uint32(pt[16:20])
	if uint64(n) > uint64(len(pt)-20) {
		return nil, errCiphertext
	}
	msg, id := pt[20:20+n], pt[20+n:]
	if string(id) != appID {
		return nil, errors.New("wechat: message encrypted for another app id")
	}
	return msg, nil
}

// encrypt seals a reply the same way.
func encrypt(key []byte, appID string, msg []byte) (string, error) {
	var b bytes.Buffer
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", err
	}
	b.Write(random)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(msg)))
	b.Write(n[:])
	b.Write(msg)
	b.WriteString(appID)
	pad := pkcs7Block - b.Len()%pkcs7Block
	b.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	ct := make([]byte, b.Len())
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(ct, b.Bytes())
	return base64.StdEncoding.EncodeToString(ct), nil
}

// nonce returns a random reply nonce.
func nonce() string {
	var b [8]byte
	rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
	return hex.EncodeToString(b[:])
}
