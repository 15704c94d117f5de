# @module native/binding.gyp — builds sluice_hs.node, the Node-API binding over libhs (Vectorscan/Hyperscan).
# Built by `make native`: node-gyp rebuild --nodedir=<local node prefix> (headers are never downloaded).
{
  "targets": [
    {
      "target_name": "sluice_hs",
      "sources": ["src/addon.cc", "src/database.cc", "src/stream.cc", "src/collector.cc", "src/json_strings.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "<!@(pkg-config --cflags libhs)"],
      "libraries": ["<!@(pkg-config --libs libhs)"],
      "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "<!@(pkg-config --cflags libhs)"] }
    }
  ]
}
