/// `/desk/style.css`: one small sheet, served by us (the CSP allows styles from 'self' only). Made
/// for a phone first (390 px), wider screens get room.
public enum Style {
    public static let css = """
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f5f2;
        color:#1d1d1b;line-height:1.5;font-size:1rem}
        header{background:#1f5f8b;color:#fff;padding:.5rem 1rem}
        header ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem}
        header a{color:#fff;text-decoration:none;padding:.3rem 0;display:inline-block}
        header a[aria-current=page]{border-bottom:2px solid #f2b705}
        header .logout{display:flex;gap:.5rem;align-items:center;justify-content:flex-end;margin-top:.3rem}
        header .logout button{background:#fff;color:#1f5f8b;width:auto;padding:.3rem .8rem;font-size:.95rem}
        main{max-width:60rem;margin:0 auto;padding:1rem}
        h1{font-size:1.4rem;margin:.5rem 0 1rem}
        h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e2e0da;vertical-align:top}
        @media (max-width:40rem){table.list thead{display:none}table.list tr{display:block;border-bottom:1px solid #d6d3cb;
        padding:.4rem 0}table.list td{display:block;border:0;padding:.1rem .5rem}
        table.list td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
        .card{background:#fff;border-radius:.6rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
        .field{margin:0 0 .9rem}
        label{display:block;font-weight:600;margin-bottom:.2rem}
        input,select,textarea{font:inherit;width:100%;padding:.55rem .6rem;border:1px solid #8a877f;border-radius:.4rem;
        background:#fff}
        input[type=checkbox],input[type=radio]{width:auto;margin:0 .4rem 0 0;vertical-align:middle}
        label.inline,label.check{display:inline;font-weight:normal}
        ul.attention{list-style:none;padding:0;margin:0}
        fieldset{border:1px solid #c9c6be;border-radius:.4rem;margin:0 0 .9rem;padding:.5rem .8rem}
        button{font:inherit;padding:.6rem 1rem;border:0;border-radius:.45rem;background:#1f5f8b;color:#fff;cursor:pointer}
        button.danger{background:#a4262c}
        button:focus,input:focus,select:focus,a:focus{outline:3px solid #f2b705;outline-offset:2px}
        .error{color:#a4262c;margin:.25rem 0 0;font-weight:600}
        .notice{background:#e7f1e8;border-left:4px solid #2e7d32;padding:.6rem .8rem;margin:0 0 1rem}
        .problem{background:#fbeaea;border-left:4px solid #a4262c;padding:.6rem .8rem;margin:0 0 1rem}
        small{display:block;color:#5c5a55}
        """
}
