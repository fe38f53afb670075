// Buys and manages Yeastar P-Series Cloud Edition PBXs through the Yeastar Partner Portal API. A preview never buys; destroy cancels nothing.
package yeastar
