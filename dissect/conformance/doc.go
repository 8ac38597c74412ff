// Package conformance holds no code, only tests: a cross-check of
// mailwire's records against tshark on the project's own captures, and a
// conformance suite over the public captures of peer projects
// (suricata-verify, nDPI, CredSLayer, PCredz, PcapPlusPlus, mercury and
// classic challenge captures) with what each peer's own tests expect.
// Where a peer or tshark is wrong and the capture proves it, the difference
// is listed with its reason next to the test, so that any other
// disagreement fails.
package conformance
